/** Mail.ru and its sister domains. */
export const domains = ['mail.ru', 'inbox.ru', 'list.ru', 'bk.ru', 'internet.ru'];
