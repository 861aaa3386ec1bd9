import { DataError } from '../../core/errors.js';
import { newsItemSchema } from '../../data/calendar.js';
import type { NewsItem } from '../../data/calendar.js';
import { newsItemId } from './source.js';
import { parseFeedDate } from './time.js';
import { child, children, decodeEntities, localName, parseXml, textOf, XmlError } from './xml.js';
import type { XmlElement } from './xml.js';

export type FeedFormat = 'rss' | 'rdf' | 'atom';

/** Options of {@link parseFeed}. */
export interface ParseFeedOptions {
  /** The feed's URL (or file), named in errors. */
  readonly url: string;
  /** The source name written to each item. */
  readonly source: string;
  /** Symbols given to every item (e.g. `['market']` for a central bank's feed); default none. */
  readonly symbols?: readonly string[];
}

/**
 * News items from an RSS 2.0, RSS 1.0 (RDF) or Atom document, in feed order.
 *
 * - text: the title and the description (RSS `description`, else `content:encoded`; Atom `summary`, else
 *   `content`), HTML tags removed and whitespace collapsed; the description alone when it repeats the title.
 * - time: RSS `pubDate` (RFC 822) or `dc:date`; Atom `published`, else `updated` (ISO 8601).
 * - id: RSS `guid`, else `link`; Atom `id`, else the alternate `link`'s href; else a hash of source, time, text.
 *
 * @throws DataError naming the URL and line: malformed XML, a document that is not RSS or Atom, or an item
 *   without text or a readable date (field `pubDate`, `published`, …)
 *
 * @example
 * const { format, items } = parseFeed(xml, { url: 'https://www.federalreserve.gov/feeds/press_all.xml', source: 'fed' });
 */
export function parseFeed(xml: string, opts: ParseFeedOptions): { format: FeedFormat; items: NewsItem[] } {
  let root: XmlElement;
  try {
    root = parseXml(xml);
  } catch (e) {
    if (e instanceof XmlError) throw new DataError(opts.url, e.line, undefined, `malformed XML: ${e.detail} (column ${e.column})`);
    throw e;
  }
  const kind = localName(root.name).toLowerCase();
  if (kind === 'rss') {
    const channel = child(root, 'channel');
    if (channel === undefined) throw new DataError(opts.url, root.line, undefined, 'an RSS document without a <channel>');
    return { format: 'rss', items: children(channel, 'item').map((el) => rssItem(el, opts)) };
  }
  if (kind === 'rdf') return { format: 'rdf', items: root.children.filter(isItem).map((el) => rssItem(el, opts)) };
  if (kind === 'feed') return { format: 'atom', items: children(root, 'entry').map((el) => atomEntry(el, opts)) };
  throw new DataError(opts.url, root.line, undefined, `not an RSS or Atom feed: the root element is <${root.name}>`);
}

function isItem(c: XmlElement | string): c is XmlElement {
  return typeof c !== 'string' && localName(c.name) === 'item';
}

function rssItem(el: XmlElement, opts: ParseFeedOptions): NewsItem {
  const title = plain(child(el, 'title'));
  const description = html(child(el, 'description') ?? child(el, 'content:encoded'));
  const dateEl = child(el, 'pubDate') ?? child(el, 'dc:date');
  const id = plain(child(el, 'guid')) || plain(child(el, 'link')) || undefined;
  return toItem(el, { title, description, dateEl, dateField: dateEl?.name ?? 'pubDate', id }, opts);
}

function atomEntry(el: XmlElement, opts: ParseFeedOptions): NewsItem {
  const title = atomText(child(el, 'title'));
  const description = atomText(child(el, 'summary') ?? child(el, 'content'));
  const dateEl = child(el, 'published') ?? child(el, 'updated');
  const links = children(el, 'link');
  const link = links.find((l) => (l.attrs.rel ?? 'alternate') === 'alternate') ?? links[0];
  const id = plain(child(el, 'id')) || link?.attrs.href || undefined;
  return toItem(el, { title, description, dateEl, dateField: dateEl?.name ?? 'published', id }, opts);
}

function toItem(
  el: XmlElement,
  f: { title: string; description: string; dateEl: XmlElement | undefined; dateField: string; id: string | undefined },
  opts: ParseFeedOptions,
): NewsItem {
  const { url } = opts;
  const text = joinText(f.title, f.description);
  if (text === '') throw new DataError(url, el.line, 'title', `<${el.name}> has neither a title nor a description`);
  const label = JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);
  if (f.dateEl === undefined) throw new DataError(url, el.line, f.dateField, `<${el.name}> ${label} has no date`);
  const time = parseFeedDate(textOf(f.dateEl));
  if (typeof time !== 'number') throw new DataError(url, f.dateEl.line, f.dateField, time.error);
  const r = newsItemSchema.safeParse({ id: f.id ?? newsItemId(opts.source, time, text), time, text, symbols: [...(opts.symbols ?? [])], source: opts.source });
  if (!r.success) throw new DataError(url, el.line, r.error.issues[0].path.join('.') || undefined, r.error.issues[0].message);
  return r.data;
}

/** Title and description as one text: the description alone when it starts with the title. */
function joinText(title: string, description: string): string {
  if (title === '') return description;
  if (description === '' || description === title) return title;
  if (description.startsWith(title)) return description;
  return /[.!?:;]$/.test(title) ? `${title} ${description}` : `${title}. ${description}`;
}

/** Text content, whitespace collapsed. */
function plain(el: XmlElement | undefined): string {
  return el === undefined ? '' : collapse(textOf(el));
}

/** Entity-encoded HTML (an RSS description): tags removed, the second level of entities decoded. */
function html(el: XmlElement | undefined): string {
  return el === undefined ? '' : collapse(decodeEntities(textOf(el).replace(/<[^>]*>/g, ' ')));
}

/** Atom text constructs: `type="html"` is escaped HTML; `text` and `xhtml` (child elements) are read as text. */
function atomText(el: XmlElement | undefined): string {
  if (el === undefined) return '';
  return el.attrs.type === 'html' ? html(el) : plain(el);
}

function collapse(s: string): string {
  return s.replace(/[\s\u00a0]+/g, ' ').trim();
}
