/**
 * Slack-compatible incoming webhook (also accepted by Mattermost, Rocket.Chat
 * and others that read `text`): `{ text, blocks }`. `text` is the
 * notification/fallback line and carries everything essential on its own;
 * `blocks` lay out the same facts. Block Kit reference:
 * https://api.slack.com/reference/block-kit/blocks
 */
import { HttpJsonSender } from './http-post.js';
import { alertUrl } from './link.js';
import type { NotifiableAlert } from './types.js';

/** Slack mrkdwn control characters (https://api.slack.com/reference/surfaces/formatting#escaping). */
export function slackEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A section's text is limited to 3000 characters. */
const MAX_SECTION = 3000;

function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

const STATE_LABEL = { open: 'Alert opened', updated: 'Alert updated', resolved: 'Resolved' } as const;

export interface SlackPayload {
  text: string;
  blocks: Array<Record<string, unknown>>;
}

export function slackPayload(alert: NotifiableAlert, baseUrl: string | null): SlackPayload {
  const url = alertUrl(baseUrl, alert.id);
  const label = `${STATE_LABEL[alert.state]}${alert.flapping ? ' (flapping)' : ''}`;
  const head = `${label} [${alert.severity}] ${slackEscape(alert.targetName)}: ${slackEscape(alert.summary)}`;
  const text = clip(url ? `${head} <${url}|Open alert>` : head, MAX_SECTION);
  const field = (name: string, value: string) => ({ type: 'mrkdwn', text: clip(`*${name}*\n${slackEscape(value)}`, 2000) });
  const blocks: Array<Record<string, unknown>> = [
    { type: 'section', text: { type: 'mrkdwn', text: clip(`*${label}*\n${slackEscape(alert.summary)}`, MAX_SECTION) } },
    {
      type: 'section',
      fields: [
        field('Target', alert.targetName),
        field('Kind', alert.kind),
        field('State', alert.state),
        field('Severity', alert.severity),
      ],
    },
  ];
  const context = [`Vantage ${slackEscape(alert.vantage)}`, `alert ${slackEscape(alert.id)}`];
  if (url) context.unshift(`<${url}|Open alert>`);
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: clip(context.join(' · '), MAX_SECTION) }] });
  return { text, blocks };
}

export class SlackSender extends HttpJsonSender {
  readonly kind = 'slack' as const;
  protected payload(alert: NotifiableAlert): SlackPayload {
    return slackPayload(alert, this.baseUrl);
  }
}
