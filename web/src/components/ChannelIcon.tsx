import { Badge, ThemeIcon } from '@mantine/core';
import type { ReactNode } from 'react';
import { channelColor, channelLabel } from '../lib/labels.ts';

/** Stroke drawings (24×24) of each channel; no icon library needed. */
const PATHS: Record<string, ReactNode> = {
  email: (
    <>
      <rect x="3" y="5" width="18" height="14" rx="2" />
      <path d="M3 7l9 6 9-6" />
    </>
  ),
  sms: (
    <>
      <path d="M4 5h16v11H9l-5 4z" />
      <path d="M8 10h8M8 13h5" />
    </>
  ),
  whatsapp: (
    <>
      <path d="M3 21l1.7-4.3A9 9 0 1 1 8 19.6z" />
      <path d="M9 9.5c0 3 2.5 5.5 5.5 5.5l1-1.5-2-1-1 .8a4 4 0 0 1-1.8-1.8l.8-1-1-2z" />
    </>
  ),
  phone: (
    <path d="M5 4h4l2 5-2.5 1.5a11 11 0 0 0 5 5L15 13l5 2v4a2 2 0 0 1-2 2A16 16 0 0 1 3 6a2 2 0 0 1 2-2" />
  ),
  letter: (
    <>
      <path d="M14 3v4a1 1 0 0 0 1 1h4" />
      <path d="M17 21H7a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h7l5 5v11a2 2 0 0 1-2 2z" />
      <path d="M9 13h6M9 17h4" />
    </>
  ),
  portal: (
    <>
      <circle cx="12" cy="12" r="9" />
      <path d="M3.6 9h16.8M3.6 15h16.8M12 3a15 15 0 0 1 0 18M12 3a15 15 0 0 0 0 18" />
    </>
  ),
  negativacao: (
    <>
      <path d="M12 3l8 4v5c0 5-3.5 8-8 9-4.5-1-8-4-8-9V7z" />
      <path d="M12 8v5M12 16.5v.01" />
    </>
  ),
  protest: (
    <>
      <path d="M13 10l7.4 7.4a1.5 1.5 0 0 1-2.1 2.1L11 12.1" />
      <path d="M7 11l5-5M6.5 4.5l6 6M3.5 7.5l6 6M5 21h8" />
    </>
  ),
};

export function ChannelGlyph({ channel, size = 16 }: { channel: string; size?: number }) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={2}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      style={{ flexShrink: 0 }}
    >
      {PATHS[channel] ?? <circle cx="12" cy="12" r="8" />}
    </svg>
  );
}

/** The channel's icon in a coloured square (lists). */
export function ChannelIcon({ channel, size = 28 }: { channel: string; size?: number }) {
  return (
    <ThemeIcon variant="light" color={channelColor(channel)} size={size} title={channelLabel(channel)}>
      <ChannelGlyph channel={channel} size={Math.round(size * 0.6)} />
    </ThemeIcon>
  );
}

/** Icon and name of the channel. */
export function ChannelBadge({ channel }: { channel: string }) {
  return (
    <Badge
      variant="light"
      color={channelColor(channel)}
      leftSection={<ChannelGlyph channel={channel} size={12} />}
      style={{ whiteSpace: 'nowrap' }}
      data-testid="channel-badge"
    >
      {channelLabel(channel)}
    </Badge>
  );
}
