/**
 * NetEase (163/126/yeah.net) anti-spam codes, all about the sending host or account: HL:REP/ICC/IFC/MEP/IHU, MI:CEL/
 * DMC/SFQ/IMF/STC, RP:DRC/TRC/RDN, DT:SPM/RBL, WM:BLI/BLU, IP:BLK (mail.163.com/help/help_spam_16.htm).
 */
export const SENDER_CODE = /(?:HL|MI|RP|DT|WM|IP|SL):[A-Z]{3}\b/;
