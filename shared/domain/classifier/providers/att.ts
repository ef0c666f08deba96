/** AT&T's consumer mail and the regional Bell domains it hosts. */
export const domains = ['att.net', 'sbcglobal.net', 'bellsouth.net', 'pacbell.net', 'swbell.net', 'flash.net', 'prodigy.net'];
