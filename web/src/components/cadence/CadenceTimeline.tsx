import { Box, Text, Tooltip, UnstyledButton } from '@mantine/core';
import { useElementSize } from '@mantine/hooks';
import type { CadenceStep } from '../../api/types.ts';
import { channelColor, channelLabel, dayLabel } from '../../lib/labels.ts';
import { ChannelGlyph } from '../ChannelIcon.tsx';

const LANE_HEIGHT = 34;
const AXIS_GAP = 14;
const EDGE = 70;

/** Width a chip needs for its icon, day, channel name and marks (system font, 12px). */
function chipWidth(step: CadenceStep, problem: boolean): number {
  const text = dayLabel(step.offsetDays).length * 7.5 + channelLabel(step.channel).length * 6.6;
  return Math.round(16 + 14 + 12 + text + (step.variants?.length ? 26 : 0) + (problem ? 12 : 0));
}

/** Nice tick spacing for a range of days. */
function tickStep(span: number): number {
  if (span <= 20) return 2;
  if (span <= 50) return 5;
  if (span <= 120) return 10;
  if (span <= 240) return 30;
  return 60;
}

interface Placed {
  index: number;
  step: CadenceStep;
  left: number;
  width: number;
  lane: number;
}

/**
 * Chips start at their day (a short stem marks the exact spot) and are spread into lanes so they never
 * overlap: each goes to the first lane whose last chip ends before it starts.
 */
function place(
  steps: readonly CadenceStep[],
  x: (offset: number) => number,
  right: number,
  withProblems: ReadonlySet<number>,
): Placed[] {
  const order = steps
    .map((step, index) => ({ step, index }))
    .sort((a, b) => a.step.offsetDays - b.step.offsetDays || a.index - b.index);
  const laneEnds: number[] = [];
  return order.map(({ step, index }) => {
    const width = chipWidth(step, withProblems.has(index));
    // Near the right edge the chip ends at its day instead of starting there.
    const start = x(step.offsetDays) - 10;
    const left = start + width > right ? x(step.offsetDays) + 10 - width : start;
    let lane = laneEnds.findIndex((end) => end + 6 <= left);
    if (lane === -1) {
      lane = laneEnds.length;
      laneEnds.push(0);
    }
    laneEnds[lane] = left + width;
    return { index, step, left, width, lane };
  });
}

export interface CadenceTimelineProps {
  steps: readonly CadenceStep[];
  /** Index of the step open in the editor. */
  selected: number | null;
  /** Indexes of the steps with problems. */
  withProblems: ReadonlySet<number>;
  onSelect: (index: number) => void;
  testId?: string;
}

/**
 * The segment's steps on a line of days around the due date (D0): before it on the left, after it on
 * the right, each step a chip coloured by channel at its offset.
 */
export function CadenceTimeline({ steps, selected, withProblems, onSelect, testId }: CadenceTimelineProps) {
  const { ref, width } = useElementSize();
  const offsets = steps.map((s) => s.offsetDays);
  const min = Math.min(-5, ...offsets);
  const max = Math.max(10, ...offsets);
  const span = max - min;
  const pad = 24;
  const usable = Math.max(width - pad - EDGE, 1);
  const x = (offset: number) => pad + ((offset - min) / Math.max(span, 1)) * usable;

  const placed = width > 0 ? place(steps, x, width, withProblems) : [];
  const lanes = Math.max(1, ...placed.map((p) => p.lane + 1));
  const axisTop = lanes * LANE_HEIGHT + AXIS_GAP;
  const every = tickStep(span);
  const ticks: number[] = [];
  for (let t = Math.ceil(min / every) * every; t <= max; t += every) if (t !== 0) ticks.push(t);

  return (
    <Box
      ref={ref}
      pos="relative"
      h={axisTop + 46}
      miw={640}
      data-testid={testId}
      aria-label="Linha do tempo da régua"
    >
      {/* Axis */}
      <Box
        pos="absolute"
        left={pad}
        right={EDGE}
        top={axisTop}
        h={2}
        bg="gray.4"
        style={{ borderRadius: 1 }}
      />
      {/* Stems from each chip down to its day */}
      {placed.map(({ index, step, lane }) => (
        <Box
          key={`stem-${index}`}
          pos="absolute"
          left={x(step.offsetDays) - 0.5}
          top={lane * LANE_HEIGHT + LANE_HEIGHT - 8}
          w={1}
          h={axisTop - (lane * LANE_HEIGHT + LANE_HEIGHT - 8)}
          bg={`${channelColor(step.channel)}.3`}
        />
      ))}
      {/* Where each step falls on the axis */}
      {width > 0 &&
        steps.map((step, i) => (
          <Box
            // biome-ignore lint/suspicious/noArrayIndexKey: steps are positional (keys are edited and may repeat)
            key={i}
            pos="absolute"
            left={x(step.offsetDays) - 4}
            top={axisTop - 3}
            w={8}
            h={8}
            style={{ borderRadius: 4, background: `var(--mantine-color-${channelColor(step.channel)}-6)` }}
          />
        ))}
      {width > 0 &&
        ticks.map((t) => (
          <Box key={t} pos="absolute" left={x(t)} top={axisTop - 3} style={{ transform: 'translateX(-50%)' }}>
            <Box w={1} h={8} bg="gray.5" mx="auto" />
            <Text size="xs" c="dimmed" ta="center" style={{ whiteSpace: 'nowrap' }}>
              {dayLabel(t)}
            </Text>
          </Box>
        ))}
      {/* Due date marker */}
      {width > 0 && (
        <Box
          pos="absolute"
          left={x(0)}
          top={0}
          style={{ transform: 'translateX(-50%)', pointerEvents: 'none' }}
          data-testid="timeline-d0"
        >
          <Box
            w={0}
            h={axisTop + 8}
            mx="auto"
            style={{ borderLeft: '2px dashed var(--mantine-color-red-5)' }}
          />
          <Text size="xs" fw={700} c="red.7" ta="center" lh={1.2} style={{ whiteSpace: 'nowrap' }}>
            D0
          </Text>
          <Text size="xs" c="red.7" ta="center" lh={1.2} style={{ whiteSpace: 'nowrap' }}>
            vencimento
          </Text>
        </Box>
      )}
      {/* Steps */}
      {placed.map(({ index, step, left, width: chip, lane }) => {
        const color = channelColor(step.channel);
        const problem = withProblems.has(index);
        const isSelected = selected === index;
        const variants = step.variants?.length ?? 0;
        return (
          <Tooltip
            key={`${step.key}-${index}`}
            label={`${step.key} · ${channelLabel(step.channel)} · ${dayLabel(step.offsetDays)}${
              variants > 0 ? ` · teste A/B com ${variants + 1} variantes` : ''
            }${problem ? ' · tem problemas' : ''}`}
            withArrow
            openDelay={300}
          >
            <UnstyledButton
              pos="absolute"
              left={left}
              top={lane * LANE_HEIGHT}
              w={chip}
              h={LANE_HEIGHT - 6}
              onClick={() => onSelect(index)}
              data-testid="timeline-step"
              data-step-key={step.key}
              data-problem={problem ? 'true' : 'false'}
              aria-pressed={isSelected}
              style={{
                display: 'flex',
                alignItems: 'center',
                gap: 6,
                padding: '0 8px',
                borderRadius: 14,
                fontSize: 12,
                fontWeight: 600,
                whiteSpace: 'nowrap',
                color: `var(--mantine-color-${color}-9)`,
                background: `var(--mantine-color-${color}-${isSelected ? 2 : 0})`,
                border: `${problem || isSelected ? 2 : 1}px solid var(--mantine-color-${
                  problem ? 'red-6' : `${color}-${isSelected ? 7 : 4}`
                })`,
                boxShadow: isSelected ? '0 0 0 3px var(--mantine-color-blue-2)' : undefined,
              }}
            >
              <ChannelGlyph channel={step.channel} size={14} />
              <span>{dayLabel(step.offsetDays)}</span>
              <span style={{ fontWeight: 400 }}>{channelLabel(step.channel)}</span>
              {variants > 0 && (
                <span style={{ marginLeft: 'auto', fontSize: 10, fontWeight: 700 }} title="Teste A/B">
                  A/B
                </span>
              )}
              {problem && (
                <span style={{ marginLeft: variants > 0 ? 0 : 'auto', color: 'var(--mantine-color-red-7)' }}>
                  !
                </span>
              )}
            </UnstyledButton>
          </Tooltip>
        );
      })}
    </Box>
  );
}
