/** Proofpoint's gateway (pphosted.com), in front of companies' own domains. */
export const replyMarker = /proofpoint|pphosted/i;
