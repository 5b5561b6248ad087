/**
 * Matches a string with at least one character that renders: not a format or control character
 * (zero-width, bidi controls, soft hyphen), not a separator, not a filler that draws nothing
 * (Hangul fillers, braille blank, combining grapheme joiner, variation selectors). Published as
 * the schema's `pattern`, so the document refuses what the server refuses.
 */
export const VISIBLE_TEXT_PATTERN =
  // biome-ignore lint/suspicious/noMisleadingCharacterClass: single code points, each tested alone.
  /[^\p{Cf}\p{Cc}\p{Z}\u034F\u115F\u1160\u17B4\u17B5\u180B-\u180F\u2800\u3164\uFE00-\uFE0F\uFFA0]/u;

/** The message for text made only of invisible characters. */
export const VISIBLE_TEXT_MESSAGE = 'Must contain a visible character';

/** The published description of a text field whose length is checked after trimming. */
export const TRIMMED_NOTE = 'Leading and trailing white space is trimmed before the length is checked.';
