/** Outlook.com, Hotmail, Live and MSN (`outlook.` … match every country variant); Microsoft 365 shows itself in the reply. */
export const domains = ['outlook.', 'hotmail.', 'live.', 'msn.com', 'passport.com', 'windowslive.com'];
/** Exchange Online's NDR markers: RESOLVER.*, STOREDRV, protection.outlook, aka.ms links, AS(nnn) codes. */
export const replyMarker = new RegExp(
  [
    /outlook\.com|\bRESOLVER\.|\bSTOREDRV\b|\bprotection\.outlook|aka\.ms\//,
    /sender\.office\.com|go\.microsoft\.com|mail\.live\.com|\bAS\(\d+\)/,
  ]
    .map((part) => part.source)
    .join('|'),
  'i',
);
/** Outlook.com's block list of sending networks (its postmaster's S3150 / S3140). */
export const BLOCK_LIST = /\(S3150\)|\(S3140\)|network is on our block list/i;
/** Outlook.com postmaster codes of a refused sending host: SC-00x, OU-00x, DY-00x ("Unfortunately, messages from … weren't sent"). */
export const POSTMASTER_CODE = /(?:SC|OU|DY)-00\d\b/;
/** Edge blocking on directory lookup (DBEB, AS(201806281)): usually an unknown recipient, held for review. */
export const DIRECTORY_BLOCK = /AS\(201806281\)/;
/** Exchange recipient restrictions (RESOLVER.RST.*: a group limited to internal or authenticated senders), sizes aside. */
export const RECIPIENT_RESTRICTION = /RESOLVER\.RST\.(?!\w*SizeLimit)/;
/** Exchange's 5.4.1 "Recipient address rejected: Access denied". */
export const ACCESS_DENIED = /access denied/i;
