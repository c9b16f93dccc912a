/**
 * Slack's mrkdwn: whatever came from an event is escaped, so it cannot mention a channel, forge
 * a link or end a code span; only the URLs of our own links are links.
 */
import { describe, expect, it } from 'vitest';
import { bold, code, escapeMrkdwn, lineMrkdwn, link, stepMrkdwn } from '../../shared/alerts/mrkdwn.js';

describe('Function: escapeMrkdwn', () => {
  it("writes Slack's three control characters as entities, & first so none is escaped twice", () => {
    expect(escapeMrkdwn('<!channel> & <https://evil.example|click>')).toBe('&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;');
    expect(escapeMrkdwn('&lt;')).toBe('&amp;lt;');
  });
});

describe('Function: code', () => {
  it('keeps a span one span: backticks become quotes and line breaks spaces', () => {
    expect(code('aws `whoami`\r\nrm -rf')).toBe("`aws 'whoami' rm -rf`");
  });

  it('escapes what it holds', () => {
    expect(code('<@U123>')).toBe('`&lt;@U123&gt;`');
  });
});

describe('Function: bold', () => {
  it('escapes what it holds', () => {
    expect(bold('a <b>')).toBe('*a &lt;b&gt;*');
  });
});

describe('Function: link', () => {
  it('keeps a | from ending the URL or the label early', () => {
    expect(link('https://console.aws.amazon.com/x?a=1|2', 'prod|db <x>')).toBe(
      '<https://console.aws.amazon.com/x?a=1%7C2|prod/db &lt;x&gt;>',
    );
  });
});

describe('Function: lineMrkdwn', () => {
  it('escapes a plain line, and writes a labelled one in bold with its value as text or code', () => {
    expect(lineMrkdwn('1 < 2')).toBe('1 &lt; 2');
    expect(lineMrkdwn({ label: 'Caller', value: 'arn:aws:iam::123456789012:role/ci' })).toBe('*Caller*: arn:aws:iam::123456789012:role/ci');
    expect(lineMrkdwn({ label: 'User agent', value: 'curl/8 <x>', code: true })).toBe('*User agent*: `curl/8 &lt;x&gt;`');
  });
});

describe('Function: stepMrkdwn', () => {
  it('writes a next step, then its command as code', () => {
    expect(stepMrkdwn({ text: 'Rotate again', command: 'aws secretsmanager rotate-secret --secret-id prod/db' })).toBe(
      'Rotate again: `aws secretsmanager rotate-secret --secret-id prod/db`',
    );
    expect(stepMrkdwn({ text: 'Ask the owner <team>' })).toBe('Ask the owner &lt;team&gt;');
  });
});
