/**
 * OMS's enumerated values as people say them, for the create form's choices and the approval
 * request (a change request reads "Overwrite if size or date differ", not
 * `SIZE_LAST_MODIFIED_COMPARISON_OVERWRITE`). A value without words is shown as it is.
 */
export const VALUE_WORDS: Readonly<Record<string, string>> = {
  NO_OVERWRITE: 'Never overwrite',
  SIZE_LAST_MODIFIED_COMPARISON_OVERWRITE: 'Overwrite if size or date differ',
  CRC64_COMPARISON_OVERWRITE: 'Overwrite if CRC64 differs',
  FULL_OVERWRITE: 'Always overwrite',
  size_last_modified: 'Size and last modified',
  crc64: 'CRC64',
  no_check: 'No check',
  transmission: 'Transfer check',
  STANDARD: 'Standard',
  IA: 'Infrequent access',
  ARCHIVE: 'Archive',
  DEEP_ARCHIVE: 'Deep archive',
  SRC_STORAGE_MAPPING: 'Same as source',
  HIGH: 'High',
  MEDIUM: 'Medium',
  LOW: 'Low',
  object: 'Files and folders',
  prefix: 'Objects under prefixes',
  list: 'Objects in a list file',
  url_list: 'URLs in a list file',
  PREFIX: 'Objects under prefixes',
  LIST: 'Objects in a list file',
  URL_LIST: 'URLs in a list file',
};

export function inWords(value: string | undefined): string | undefined {
  return value === undefined ? undefined : (VALUE_WORDS[value] ?? value);
}
