/** `1 event`, `2 events`: a count with its noun, the noun in the plural unless the count is one. */
export const plural = (count: number, noun: string, nouns = `${noun}s`): string => `${count} ${count === 1 ? noun : nouns}`;
