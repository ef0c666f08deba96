/** Orange (France) and its former Wanadoo domain. */
export const domains = ['orange.fr', 'wanadoo.fr'];
