/**
 * Records handled between two turns of the event loop in the cycle's long loops (decoding a
 * connection's records, applying its observations). A turn lets the responses that arrived
 * meanwhile be read, so the next request to a provider goes out without waiting behind a whole
 * connection's store work: the lanes stay busy and the cycle nears its request floor.
 */
export const RECORDS_PER_TURN = 64;
