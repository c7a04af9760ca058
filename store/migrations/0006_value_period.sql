-- A round's workbook carries figures of more than one period (the 2026-H2
-- round holds the 2026 yearly figures): each value records the period it
-- covers. '' (rows written before this column) means the submission's period.
ALTER TABLE kpi_values ADD COLUMN period TEXT NOT NULL DEFAULT '';
