/**
 * `secrets-remediator replay` (`npm start`) as a user runs it: a real process, real files, its output and exit code.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonLines, runCli } from '../helpers/cli.js';
import { eventsDir, sampleEventFiles } from '../helpers/events.js';

const replay = (...args: string[]) => runCli(['replay', ...args]);

/** The JSON printed, framed with `│`, under the first line that starts with `heading`. */
const framedJson = (stdout: string, heading: string): unknown => {
  const frame = '      │ ';
  const lines = stdout.split('\n');
  const framed: string[] = [];
  for (const line of lines.slice(lines.findIndex((l) => l.trimStart().startsWith(heading)) + 1)) {
    if (!line.startsWith(frame)) break;
    framed.push(line.slice(frame.length));
  }
  return JSON.parse(framed.join('\n'));
};

const tempFile = (name: string, content: string): string => {
  const file = join(mkdtempSync(join(tmpdir(), 'replay-cli-')), name);
  writeFileSync(file, content);
  return file;
};

describe('CLI: secrets-remediator replay (npm start)', { timeout: 60_000 }, () => {
  it('replays every sample in events/ in dry-run mode, printing one JSON object per event', async () => {
    const run = await replay('--json');

    expect(run.code).toBe(0);
    const reports = jsonLines(run.stdout).slice(0, -1);
    expect(reports.map((r) => r.event)).toEqual(sampleEventFiles().map((f) => join('events', f)));
    const umccr = reports.find((r) => String(r.event).endsWith('RotationFailed.published-umccr.json'));
    expect(umccr).toMatchObject({
      matched: ['classify', 'clear-stale-pending', 'alert'],
      findings: [
        {
          rule: 'rotation-failed',
          severity: 'high',
          secret: 'arn:aws:secretsmanager:ap-southeast-2:843407916570:secret:IcaS...icA',
          actions: [{ type: 'clear-stale-pending', outcome: 'planned' }],
          alert: {
            subject: '[HIGH] rotation-failed: IcaS...icA (843407916570/ap-southeast-2)',
            body: expect.stringContaining('Failing step: createSecret'),
          },
        },
      ],
    });
    expect(run.stdout).not.toContain('"level"');
  });

  it('applies the fixes with --mode enforce and prints the stages before and after', async () => {
    const run = await replay('--mode', 'enforce', join(eventsDir, 'rotation-failed', 'fires.RotationFailed.authored.set-secret.json'));

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('action clear-stale-pending: APPLIED');
    expect(run.stdout).toContain(
      'before: 0a1b2c3d-aaaa-4bbb-8ccc-ddddeeee0001 [AWSCURRENT]; 0a1b2c3d-aaaa-4bbb-8ccc-ddddeeee0002 [AWSPREVIOUS]; 0a1b2c3d-aaaa-4bbb-8ccc-ddddeeee0003 [AWSPENDING]',
    );
    expect(run.stdout).toContain(
      'after:  0a1b2c3d-aaaa-4bbb-8ccc-ddddeeee0001 [AWSCURRENT]; 0a1b2c3d-aaaa-4bbb-8ccc-ddddeeee0002 [AWSPREVIOUS]',
    );
    expect(run.stdout).toContain('1 event replayed against the sandbox account in enforce mode');
  });

  it('reports a file that is not JSON as rejected, replays the rest, and exits 1', async () => {
    const bad = tempFile('broken.json', '{"version": "0",');

    const run = await replay('--json', bad, join(eventsDir, 'rotation-succeeded', 'fires.RotationSucceeded.published-aws-blog.json'));

    expect(run.code).toBe(1);
    const [first, second] = jsonLines(run.stdout);
    expect(first).toMatchObject({ matched: [], rejected: [expect.stringMatching(/^event: not JSON/)] });
    expect(second).toMatchObject({ findings: [{ rule: 'rotation-succeeded' }] });
  });

  it('seeds the sandbox from --account, and names the bad field of an invalid seed with a usage error', async () => {
    const seed = tempFile('account.json', JSON.stringify({ secrets: [{ name: 'x', versions: { v1: ['AWSPENDING'] } }] }));

    const run = await replay('--account', seed);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('secrets.0.versions: no version holds AWSCURRENT');
  });

  it('prints each alert as Chatbot and Slack would receive it with --show-payloads', async () => {
    // Act
    const run = await replay('--show-payloads', join(eventsDir, 'secret-deleted', 'fires.DeleteSecret.authored.by-developer.json'));

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('alert: [CRITICAL] secret-deleted: prod/crm/api-token (123456789012/us-east-1)');
    expect(run.stdout).toContain('      │ What the service did');
    const chatbot = framedJson(run.stdout, 'chatbot (');
    expect(chatbot).toMatchObject({
      version: '1.0',
      source: 'custom',
      content: {
        textType: 'client-markdown',
        title: ':rotating_light: [CRITICAL] secret-deleted: prod/crm/api-token (123456789012/us-east-1)',
      },
      metadata: { threadId: '123456789012/us-east-1/prod/crm/api-token', eventType: 'secret-deleted' },
    });
    const slack = framedJson(run.stdout, 'slack (') as { text: string; blocks: { type: string }[] };
    expect(slack.blocks[0]).toMatchObject({ type: 'header', text: { type: 'plain_text' } });
    expect(slack.blocks.map((b) => b.type)).toContain('actions');
    expect(slack.text).toContain('[CRITICAL] secret-deleted: prod/crm/api-token');
  });

  it('prints the plain text only without the flag, and puts the payloads in --json with it', async () => {
    // Prepare
    const event = join(eventsDir, 'secret-deleted', 'fires.DeleteSecret.authored.by-developer.json');

    // Act
    const [plain, json] = await Promise.all([replay(event), replay('--json', '--show-payloads', event)]);

    // Assess
    expect(plain.stdout).toContain('alert: [CRITICAL] secret-deleted');
    expect(plain.stdout).not.toContain('chatbot (');
    const [report] = jsonLines(json.stdout);
    expect(report).toMatchObject({
      findings: [
        {
          alert: {
            subject: expect.stringContaining('secret-deleted'),
            chatbot: { source: 'custom' },
            slack: { blocks: expect.any(Array) },
          },
        },
      ],
    });
  });

  it('refuses --live without a bus and a topic, with a usage error', async () => {
    const run = await replay('--live');

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--live needs --bus-name and --topic-arn');
  });
});
