/** Comcast / Xfinity. */
export const domains = ['comcast.net', 'xfinity.com'];
