import { Text } from '@mantine/core';
import QRCode from 'qrcode';
import { useMemo } from 'react';

const QUIET_ZONE = 4; // modules of white border the QR specification asks for

/** The dark modules of a QR code as one SVG path (1 unit = 1 module), or null when `value` does not fit. */
function qrPath(value: string): { size: number; d: string } | null {
  try {
    const { modules } = QRCode.create(value, { errorCorrectionLevel: 'M' });
    const parts: string[] = [];
    for (let row = 0; row < modules.size; row++) {
      for (let col = 0; col < modules.size; col++) {
        if (modules.get(row, col)) parts.push(`M${col + QUIET_ZONE} ${row + QUIET_ZONE}h1v1h-1z`);
      }
    }
    return { size: modules.size + 2 * QUIET_ZONE, d: parts.join('') };
  } catch {
    return null;
  }
}

/** A QR code drawn as inline SVG in the browser (nothing is sent anywhere to render it). */
export function QrCode({
  value,
  size = 200,
  label,
  'data-testid': testId,
}: {
  value: string;
  size?: number;
  label: string;
  'data-testid'?: string;
}) {
  const qr = useMemo(() => qrPath(value), [value]);
  if (!qr) {
    return (
      <Text size="sm" c="dimmed">
        Não foi possível gerar o QR code.
      </Text>
    );
  }
  return (
    <svg
      xmlns="http://www.w3.org/2000/svg"
      viewBox={`0 0 ${qr.size} ${qr.size}`}
      width={size}
      height={size}
      shapeRendering="crispEdges"
      role="img"
      aria-label={label}
      data-testid={testId}
    >
      <rect width={qr.size} height={qr.size} fill="#fff" />
      <path d={qr.d} fill="#000" />
    </svg>
  );
}
