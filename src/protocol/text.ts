/**
 * Matches a string with at least one character that renders: not a format or control character
 * (zero-width, bidi controls, soft hyphen), not a separator, not a filler that draws nothing
 * (Hangul fillers, braille blank, combining grapheme joiner, variation selectors). Published as
 * the schema's `pattern`, so the document refuses what the server refuses.
 */
export const VISIBLE_TEXT_PATTERN =
  // biome-ignore lint/suspicious/noMisleadingCharacterClass: single code points, each tested alone.
  /[^\p{Cf}\p{Cc}\p{Z}\u034F\u115F\u1160\u17B4\u17B5\u180B-\u180F\u2800\u3164\uFE00-\uFE0F\uFFA0]/u;

/**
 * Matches text with none of the explicit bidi controls: embeddings and overrides (U+202A–U+202E)
 * and isolates (U+2066–U+2069). Beside visible text they reorder what follows, so a name or title
 * can be drawn as other text ("\u202Egnp.exe" reads "exe.png"). The marks U+200E and U+200F, all a
 * right-to-left name needs, are not among them.
 */
export const NO_BIDI_CONTROLS_PATTERN = /^[^\u202A-\u202E\u2066-\u2069]*$/u;

/** The message for text with an explicit bidi control. */
export const BIDI_CONTROL_MESSAGE = 'Must not contain bidi embedding, override or isolate characters';

/** The message for text made only of invisible characters. */
export const VISIBLE_TEXT_MESSAGE = 'Must contain a visible character';

/** The published description of a text field whose length is checked after trimming. */
export const TRIMMED_NOTE = 'Leading and trailing white space is trimmed before the length is checked.';
