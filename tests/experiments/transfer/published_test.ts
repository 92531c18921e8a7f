import { assert, assertEquals, assertThrows } from "@std/assert";
import {
  imagenetTop1,
  loadEricssonTables,
  modelNames,
  setting,
  settingColumns,
  SETTINGS,
  settingValues,
  SUPERVISED,
} from "../../../lib/experiments/transfer/published.ts";

Deno.test("loadEricssonTables: 14 models in every table, the supervised one last in ImageNet order", async () => {
  const t = await loadEricssonTables();
  for (const table of Object.values(t)) assertEquals(table.rows.length, 14, table.source);
  const ssl = modelNames(t), all = modelNames(t, { supervised: true });
  assertEquals(ssl.length, 13);
  assertEquals(all.length, 14);
  assert(!ssl.includes(SUPERVISED) && all.includes(SUPERVISED));
  assertEquals(imagenetTop1(t, "SwAV"), 75.3);
});

Deno.test("SETTINGS: every setting names existing columns; values come from the table", async () => {
  const t = await loadEricssonTables();
  for (const s of SETTINGS) {
    const cols = settingColumns(t, s);
    assert(cols.length >= 1, s.id);
    for (const c of cols) assert(t[s.file].columns.includes(c), `${s.id}: ${c}`);
    for (const m of modelNames(t, { supervised: true })) {
      const v = settingValues(t, s, m);
      assert(v.every((x) => x > 0 && x < s.scale), `${s.id} ${m}: ${v}`);
    }
  }
  assertEquals(settingColumns(t, setting("many-shot-linear")).length, 11);
  assertEquals(settingColumns(t, setting("cdfsl-20")), ["CropDiseases", "EuroSAT", "ISIC", "ChestX"]);
  assertEquals(settingValues(t, setting("segmentation"), "BYOL"), [0.294]);
  assertThrows(() => setting("nope"));
});
