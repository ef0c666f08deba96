/** Deutsche Telekom's T-Online. */
export const domains = ['t-online.de', 'magenta.de'];
export const replyMarker = /t-online\.de/i;
/** T-Online's block-list reply (postmaster.t-online.de), whatever domain it hosts. */
export const BLOCK_LIST = /A problem occurred\. \(Ask your postmaster|\(BL\)\s*$/;
