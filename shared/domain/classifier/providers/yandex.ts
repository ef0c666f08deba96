/** Yandex Mail (`yandex.` matches every country variant). */
export const domains = ['yandex.', 'ya.ru'];
