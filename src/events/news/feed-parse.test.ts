import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../core/errors.js';
import { parseFeed } from './feed-parse.js';
import { parseFeedDate, parseNewsTime } from './time.js';
import { child, decodeEntities, parseXml, textOf, XmlError } from './xml.js';

const fixture = (name: string): string => readFileSync(new URL(`../../../tests/fixtures/feeds/${name}`, import.meta.url), 'utf8');
const url = 'http://feeds.test/fed.xml';

describe('parseXml', () => {
  it('reads elements, attributes, CDATA and entities, and skips comments, PIs and a DOCTYPE', () => {
    const root = parseXml(
      '<?xml version="1.0"?>\n<!DOCTYPE rss [ <!ENTITY x "y"> ]>\n<!-- c --><a k="1 &amp; 2" flag><b>x &lt; y &amp;&#39;z&#x2019; &rsquo;&nbsp;&unknown; &#0;</b><c/><d><![CDATA[<p>raw & ok</p>]]></d></a>',
    );
    expect(root.name).toBe('a');
    expect(root.attrs).toEqual({ k: '1 & 2', flag: '' });
    expect(textOf(child(root, 'b')!)).toBe("x < y &'z\u2019 \u2019\u00a0&unknown; &#0;");
    expect(child(root, 'c')!.children).toEqual([]);
    expect(textOf(child(root, 'd')!)).toBe('<p>raw & ok</p>');
    expect(decodeEntities('&#8217;&#39;&quot;&apos;&gt;')).toBe('\u2019\'"\'>');
  });

  it('closes elements left open inside a matching close tag and skips a stray close tag', () => {
    const root = parseXml('<r><description>line one<br>line two</description></p><x>1</x></r>');
    expect(textOf(child(root, 'description')!)).toBe('line oneline two');
    expect(textOf(child(root, 'x')!)).toBe('1');
  });

  it('refuses a truncated document, a missing root and an unclosed CDATA section, with line and column', () => {
    const cases: [string, RegExp][] = [
      ['<rss>\n<channel>\n<item><title>x</title>', /ends inside <item> opened on line 3/],
      ['just text', /no root element/],
      ['<a><![CDATA[oops</a>', /CDATA section is not closed/],
      ['<a><b attr="x></b></a>', /attribute attr of <b> is not closed/],
      ['<a>\n  < b</a>', /not followed by a tag name/],
      ['<a/><b/>', /second root element/],
    ];
    for (const [xml, message] of cases) {
      expect(() => parseXml(xml), xml).toThrow(XmlError);
      expect(() => parseXml(xml), xml).toThrow(message);
    }
    try {
      parseXml('<a>\n  < b</a>');
    } catch (e) {
      expect(e).toMatchObject({ line: 2, column: 3 });
    }
  });
});

describe('feed dates', () => {
  it('reads RFC 822 pubDates with names, numeric offsets, US zones and two-digit years', () => {
    expect(parseFeedDate('Wed, 18 Dec 2024 19:00:00 GMT')).toBe(Date.UTC(2024, 11, 18, 19));
    expect(parseFeedDate('18 Dec 2024 14:00:00 -0500')).toBe(Date.UTC(2024, 11, 18, 19));
    expect(parseFeedDate('Wed, 18 Dec 2024 14:00 EST')).toBe(Date.UTC(2024, 11, 18, 19));
    expect(parseFeedDate('Wed,  4 May 22 14:00:00 EDT')).toBe(Date.UTC(2022, 4, 4, 18));
    expect(parseFeedDate('Sun, 15 Mar 2020 21:00:00 +0000')).toBe(Date.UTC(2020, 2, 15, 21));
    expect(parseFeedDate('2024-12-18T14:00:00-05:00')).toBe(Date.UTC(2024, 11, 18, 19)); // ISO in a pubDate
    expect(parseFeedDate('Wed, 18 Foo 2024 19:00:00 GMT')).toMatchObject({ error: expect.stringContaining('month') });
    expect(parseFeedDate('Wed, 18 Dec 2024 19:00:00 XYZ')).toMatchObject({ error: expect.stringContaining('time zone') });
    expect(parseFeedDate('Wed, 31 Feb 2024 19:00:00 GMT')).toMatchObject({ error: expect.stringContaining('does not exist') });
    expect(parseFeedDate('yesterday')).toMatchObject({ error: expect.any(String) });
  });

  it('reads ISO dates with and without offsets, and fractions', () => {
    expect(parseNewsTime('2022-05-04T14:00:00-04:00')).toBe(Date.UTC(2022, 4, 4, 18));
    expect(parseNewsTime('2022-05-04T18:00:00.123456Z')).toBe(Date.UTC(2022, 4, 4, 18, 0, 0, 123));
    expect(parseNewsTime('2022-05-04 18:00')).toBe(Date.UTC(2022, 4, 4, 18));
    expect(parseNewsTime('2022-05-04T18:00:00+0530')).toBe(Date.UTC(2022, 4, 4, 12, 30));
    expect(parseNewsTime('2022-05-04T18:00:00+25:00')).toMatchObject({ error: expect.stringContaining('offset') });
    expect(parseNewsTime('20220504')).toMatchObject({ error: expect.stringContaining('YYYYMMDD') });
    expect(parseNewsTime(null)).toMatchObject({ error: expect.any(String) });
  });
});

describe('parseFeed', () => {
  it('reads the RSS 2.0 fixture: 11 Federal Reserve press releases with guid ids, GMT dates and clean text', () => {
    const { format, items } = parseFeed(fixture('fed-press-monetary.rss.xml'), { url, source: 'fed', symbols: ['market'] });
    expect(format).toBe('rss');
    expect(items).toHaveLength(11);
    expect(items[0]).toEqual({
      id: 'https://www.federalreserve.gov/newsevents/pressreleases/monetary20241218a.htm',
      time: Date.UTC(2024, 11, 18, 19),
      text: 'Federal Reserve issues FOMC statement. Recent indicators suggest that economic activity has continued to expand at a solid pace. In support of its goals, the Committee decided to lower the target range for the federal funds rate by 1/4 percentage point to 4-1/4 to 4-1/2 percent.',
      symbols: ['market'],
      source: 'fed',
    });
    expect(items[2].text).not.toContain('<p>'); // escaped HTML in a description loses its tags
    expect(items[4].text).toContain('June 11\u201312, 2024');
    expect(items[6].text).toContain("The Board's Bank Term Funding Program");
    expect(new Date(items[10].time).toISOString()).toBe('2015-12-16T19:00:00.000Z');
    expect(new Set(items.map((i) => i.id)).size).toBe(11);
  });

  it('reads the Atom fixture: published (else updated) dates with offsets, html and xhtml text', () => {
    const { format, items } = parseFeed(fixture('fed-press-monetary.atom.xml'), { url, source: 'fed-atom' });
    expect(format).toBe('atom');
    expect(items).toHaveLength(10);
    expect(items.map((i) => new Date(i.time).toISOString().slice(0, 16))).toEqual([
      '2023-07-26T18:00', '2023-05-03T18:00', '2023-03-22T18:00', '2023-02-01T19:00', '2022-12-14T19:00',
      '2022-11-02T18:00', '2022-09-21T18:00', '2022-07-27T18:00', '2022-06-15T18:00', '2022-05-04T18:00',
    ]);
    expect(items[0].id).toBe('https://www.federalreserve.gov/newsevents/pressreleases/monetary20230726a.htm');
    expect(items[3].text).toBe('Federal Reserve issues FOMC statement. Inflation has eased somewhat but remains elevated. In support of its goals, the Committee decided to raise the target range for the federal funds rate to 4-1/2 to 4-3/4 percent.');
    expect(items[5].text).toContain('The Committee\u2019s decision: In support of its goals');
    expect(items.every((i) => i.symbols.length === 0 && i.source === 'fed-atom')).toBe(true);
  });

  it('reads RSS 1.0 (RDF) items with dc:date, and falls back to link, then a hash, for ids', () => {
    const rdf = `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
      <channel><title>x</title></channel>
      <item><title>A</title><link>https://x.test/a</link><dc:date>2024-01-02T03:04:05Z</dc:date></item>
      <item><title>B</title><dc:date>2024-01-03</dc:date></item>
    </rdf:RDF>`;
    const { format, items } = parseFeed(rdf, { url, source: 's' });
    expect(format).toBe('rdf');
    expect(items.map((i) => [i.id, i.time, i.text])).toEqual([
      ['https://x.test/a', Date.UTC(2024, 0, 2, 3, 4, 5), 'A'],
      [expect.stringMatching(/^[0-9a-f]{16}$/), Date.UTC(2024, 0, 3), 'B'],
    ]);
  });

  it('malformed or wrong documents are DataErrors naming the URL and line', () => {
    const truncated = fixture('fed-press-monetary.rss.xml').split('\n').slice(0, 20).join('\n'); // a cut download
    const e = (() => {
      try {
        parseFeed(truncated, { url, source: 'fed' });
      } catch (err) {
        return err as DataError;
      }
    })();
    expect(e).toBeInstanceOf(DataError);
    expect(e?.message).toMatch(/^http:\/\/feeds\.test\/fed\.xml, line \d+: malformed XML: the document ends inside </);
    expect(() => parseFeed(fixture('fed-press-monetary.rss.xml').slice(0, 1500), { url, source: 'fed' })).toThrow(/malformed XML: a close tag is not closed/);
    expect(() => parseFeed('<!DOCTYPE html><html><body>Not found</body></html>', { url, source: 'fed' })).toThrow(/not an RSS or Atom feed: the root element is <html>/);
    expect(() => parseFeed('<rss><channel><item><title>x</title></item></channel></rss>', { url, source: 'fed' })).toThrow(/line 1, field "pubDate": <item> "x" has no date/);
    expect(() => parseFeed('<rss><channel><item><title>x</title><pubDate>soon</pubDate></item></channel></rss>', { url, source: 'fed' })).toThrow(DataError);
    expect(() => parseFeed('<feed><entry><updated>2024-01-01</updated></entry></feed>', { url, source: 'fed' })).toThrow(/neither a title nor a description/);
    expect(() => parseFeed('<rss version="2.0"></rss>', { url, source: 'fed' })).toThrow(/without a <channel>/);
  });
});
