// Assistant answers as markdown, rendered safely: raw HTML in the text is shown as text (never parsed),
// and the generated HTML is sanitised again with DOMPurify (no scripts, styles, frames or images).
import { Marked } from 'marked';
import DOMPurify from 'dompurify';

const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

const marked = new Marked({
  gfm: true,
  breaks: true,
  async: false,
  renderer: {
    // Markdown allows inline HTML; a model's output must not become markup.
    html: ({ text }) => escapeHtml(text),
  },
});

export function renderMarkdown(text: string): string {
  const html = marked.parse(text, { async: false });
  return DOMPurify.sanitize(html, {
    FORBID_TAGS: ['img', 'style', 'iframe', 'form', 'input', 'button', 'textarea', 'select', 'svg', 'math'],
    FORBID_ATTR: ['style'],
  });
}
