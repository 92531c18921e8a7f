/**
 * Convolution geometries shared by the conv-gradient kernel tests.
 * @module
 */
type Pad = "same" | "valid" | number | [
  [number, number],
  [number, number],
  [number, number],
  [number, number],
];

export interface Case {
  x: [number, number, number, number];
  k: [number, number];
  co: number;
  s: number | [number, number];
  pad: Pad;
}

/** Strides 1, 2, 3 and mixed; same / valid / numeric / explicit padding; 1x1, 3x3, 5x5, 2x4 filters; odd sizes. */
export const CONV_CASES: Case[] = [
  { x: [2, 5, 7, 3], k: [3, 3], co: 4, s: 1, pad: "same" },
  { x: [2, 5, 7, 3], k: [3, 3], co: 4, s: 1, pad: "valid" },
  { x: [2, 8, 8, 4], k: [3, 3], co: 6, s: 2, pad: "same" },
  { x: [3, 7, 9, 4], k: [3, 3], co: 6, s: 2, pad: "same" },
  { x: [2, 7, 9, 4], k: [3, 3], co: 5, s: 2, pad: "valid" },
  { x: [2, 8, 8, 6], k: [1, 1], co: 4, s: 1, pad: "valid" },
  { x: [1, 9, 9, 6], k: [1, 1], co: 4, s: 2, pad: "same" },
  { x: [2, 8, 10, 6], k: [1, 1], co: 3, s: 2, pad: "valid" },
  { x: [2, 10, 11, 3], k: [5, 5], co: 5, s: 3, pad: "same" },
  { x: [2, 6, 6, 2], k: [2, 4], co: 3, s: [1, 2], pad: [[0, 0], [1, 2], [0, 1], [0, 0]] },
  { x: [2, 8, 8, 3], k: [2, 2], co: 4, s: 2, pad: "valid" },
  { x: [1, 6, 5, 3], k: [3, 3], co: 2, s: 1, pad: 2 },
  { x: [2, 4, 4, 3], k: [3, 3], co: 2, s: 1, pad: "valid" },
  // strided 1x1 (ResNet shortcuts) with padding: pixels read off the padding, and a ragged last row/column
  { x: [2, 7, 6, 3], k: [1, 1], co: 4, s: 2, pad: [[0, 0], [1, 0], [1, 1], [0, 0]] },
  { x: [2, 8, 8, 5], k: [1, 1], co: 3, s: [2, 3], pad: "same" },
  // batches split into several image groups by the filter gradient
  { x: [48, 6, 7, 2], k: [3, 3], co: 3, s: 1, pad: "same" },
  { x: [34, 5, 5, 3], k: [3, 3], co: 4, s: 2, pad: 1 },
];
