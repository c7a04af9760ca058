// Package templates owns the KPI catalogue and the Commission workbook written
// from it.
//
// The catalogue is data: an embedded, illustrative YAML file (catalogue.yaml)
// that an operator can replace. LoadCatalogue and ParseCatalogue check the
// whole file (shape, allowed values, cross-references between goals,
// indicators, levels, footnotes and periods) and report every problem with
// its line as roadmap.Problems, so that a replacement can be fixed in one
// pass.
//
// The workbook follows the layout pinned in the root package (workbook.go):
// a cover, instructions, a KPI sheet with the stable row code in column A and
// an input cell validated for the indicator's kind, a narrative sheet and a
// very hidden metadata sheet. Writing is deterministic: the same catalogue,
// jurisdiction and period always give the same bytes.
package templates
