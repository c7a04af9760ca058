// Package templates owns the KPI catalogue (an embedded YAML file that operators
// can replace) and the Commission workbook written from it.
package templates
