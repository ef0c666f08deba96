/** Proton Mail. */
export const domains = ['proton.me', 'protonmail.', 'pm.me'];
