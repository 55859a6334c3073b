/**
 * JSON.parse that keeps integers beyond 2^53 exact. OpenObserve writes UInt64 columns (span
 * `start_time`/`end_time` in ns, metric `__hash__`) as bare JSON numbers, which JSON.parse would
 * round (…123456789 → …123456768). Such a value is turned into a string of its digits before
 * parsing; everything else is plain JSON.parse.
 *
 * Only object member values (`"key": 123…`) are rewritten, which covers OO's flat hits. A digit
 * run qualifies when it follows `":` whose quote really ends a key — a quote preceded by an even
 * number of backslashes; quotes inside strings are escaped (odd), so digits that merely look like
 * a value inside a string are never touched.
 */

/**
 * `":` then an integer that may exceed 2^53 ending a member value: 17+ digits always do (10^16 >
 * 2^53), 16 digits only from 9007199254740992 up. The literal prefix keeps the scan fast.
 */
const BIG_VALUE = /":(\s*)(-?(?:\d{17,}|9\d{15}))(?=\s*[,}])/g;

export function parseJsonKeepingBigInts(text: string): unknown {
  // Without `\":` in the text no string holds an escaped quote before a colon, so every `":`
  // ends a key and the quote needs no check (the common case).
  const checkQuotes = text.includes('\\":');
  return JSON.parse(
    text.replace(BIG_VALUE, (match: string, space: string, digits: string, offset: number) =>
      Number.isSafeInteger(Number(digits)) || (checkQuotes && !endsString(text, offset))
        ? match
        : `":${space}"${digits}"`,
    ),
  );
}

/** Whether the quote at `quote` ends a string: an even number of backslashes before it. */
function endsString(text: string, quote: number): boolean {
  let backslashes = 0;
  for (let k = quote - 1; k >= 0 && text.charCodeAt(k) === 0x5c; k--) backslashes++;
  return backslashes % 2 === 0;
}
