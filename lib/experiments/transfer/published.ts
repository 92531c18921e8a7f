/**
 * The published tables of Ericsson et al. 2021 (`data/papers/ericsson2021/`, see its README) and the
 * transfer *settings* the re-analysis groups them into: each setting names one table and the columns (one per
 * downstream dataset or metric) that are averaged per model, all "higher is better". The 14 rows are 13
 * self-supervised ResNet-50s and the supervised one ({@link SUPERVISED}).
 *
 * @module
 */
import { loadPaperTable, type PaperTable, paperValue } from "../../papers.ts";

/** The supervised baseline's row name. */
export const SUPERVISED = "Supervised";

/** The table files, by stem. */
export const ERICSSON_FILES = [
  "imagenet_linear",
  "many_shot_linear",
  "many_shot_finetune",
  "few_shot_kornblith_5way_5shot",
  "few_shot_kornblith_5way_20shot",
  "few_shot_kornblith_5way_50shot",
  "few_shot_cdfsl_5way_5shot",
  "few_shot_cdfsl_5way_20shot",
  "few_shot_cdfsl_5way_50shot",
  "detection_voc",
  "dense_prediction",
] as const;

/** A table stem. */
export type EricssonFile = typeof ERICSSON_FILES[number];

/** Every published table, by stem. */
export type EricssonTables = Record<EricssonFile, PaperTable>;

/** A transfer setting: the columns of one table averaged (in log-odds) per model. */
export interface Setting {
  /** Stable identifier, e.g. "many-shot-linear" or "cdfsl-5". */
  id: string;
  /** Display label, e.g. "CD-FSL 5-shot". */
  label: string;
  /** The published table the values come from. */
  file: EricssonFile;
  /** The columns (default: every column but the model name). */
  columns?: string[];
  /** natural-image recognition, cross-domain few-shot (CD-FSL), detection or dense prediction. */
  group: "natural" | "cross-domain" | "detection" | "dense";
  /** Units of the values: 100 (percent) or 1 (a fraction, e.g. mIoU). */
  scale: number;
}

/**
 * The settings of the re-analysis. Detection uses AP50 and surface normals the % of pixels within 11.25°, as in
 * the paper's correlation analysis; segmentation its mIoU.
 */
export const SETTINGS: Setting[] = [
  {
    id: "many-shot-linear",
    label: "many-shot linear",
    file: "many_shot_linear",
    group: "natural",
    scale: 100,
  },
  {
    id: "many-shot-finetune",
    label: "many-shot finetune",
    file: "many_shot_finetune",
    group: "natural",
    scale: 100,
  },
  ...[5, 20, 50].map((k): Setting => ({
    id: `few-shot-${k}`,
    label: `few-shot ${k}-shot`,
    file: `few_shot_kornblith_5way_${k}shot` as EricssonFile,
    group: "natural",
    scale: 100,
  })),
  ...[5, 20, 50].map((k): Setting => ({
    id: `cdfsl-${k}`,
    label: `CD-FSL ${k}-shot`,
    file: `few_shot_cdfsl_5way_${k}shot` as EricssonFile,
    group: "cross-domain",
    scale: 100,
  })),
  {
    id: "detection-frozen",
    label: "VOC detection (frozen) AP50",
    file: "detection_voc",
    columns: ["frozen_AP50"],
    group: "detection",
    scale: 100,
  },
  {
    id: "detection-finetune",
    label: "VOC detection (finetuned) AP50",
    file: "detection_voc",
    columns: ["finetune_AP50"],
    group: "detection",
    scale: 100,
  },
  {
    id: "normals",
    label: "NYUv2 normals (% < 11.25°)",
    file: "dense_prediction",
    columns: ["normals_11.25"],
    group: "dense",
    scale: 100,
  },
  {
    id: "segmentation",
    label: "ADE20K segmentation mIoU",
    file: "dense_prediction",
    columns: ["seg_mIoU"],
    group: "dense",
    scale: 1,
  },
];

/** The setting with this id (throws naming the known ids). */
export function setting(id: string): Setting {
  const s = SETTINGS.find((x) => x.id === id);
  if (!s) throw new Error(`unknown setting "${id}" (have: ${SETTINGS.map((x) => x.id).join(", ")})`);
  return s;
}

/** Load every table of `data/papers/ericsson2021/`. */
export async function loadEricssonTables(): Promise<EricssonTables> {
  const tables = await Promise.all(ERICSSON_FILES.map((f) => loadPaperTable("ericsson2021", `${f}.csv`)));
  return Object.fromEntries(ERICSSON_FILES.map((f, i) => [f, tables[i]])) as EricssonTables;
}

/** The model names in table order; without the supervised row unless asked for. */
export function modelNames(tables: EricssonTables, opts: { supervised?: boolean } = {}): string[] {
  const t = tables.imagenet_linear;
  return t.rows.map((r) => String(r[t.columns[0]])).filter((m) => opts.supervised || m !== SUPERVISED);
}

/** The columns a setting averages. */
export function settingColumns(tables: EricssonTables, s: Setting): string[] {
  return s.columns ?? tables[s.file].columns.slice(1);
}

/** A model's values in a setting, column by column (in the setting's units). */
export function settingValues(tables: EricssonTables, s: Setting, model: string): number[] {
  return settingColumns(tables, s).map((c) => paperValue(tables[s.file], model, c));
}

/** ImageNet linear top-1 (%) of a model. */
export function imagenetTop1(tables: EricssonTables, model: string): number {
  return paperValue(tables.imagenet_linear, model, "imagenet_top1");
}
