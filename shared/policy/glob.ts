export const matchesGlob = (glob: string, value: string): boolean => new RegExp('^' + glob.split('*').join('.*') + '$', 's').test(value);
