// Custom caption prompts may name the file and its folder; prefix/suffix wrap the result (trigger words).
export function fillPrompt(template: string, vars: { filename: string; folder: string }): string {
  const stem = vars.filename.replace(/\.[^.]+$/, '');
  return template.replaceAll('{filename}', stem).replaceAll('{folder}', vars.folder);
}

/** Prefix and suffix are added as typed (include your own separator, e.g. "ohwx, "). */
export function wrapCaption(text: string, prefix: string, suffix: string): string {
  return `${prefix}${text}${suffix}`;
}
