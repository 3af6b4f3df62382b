"""Custom reports over applications: dimensions, measures, filters; saved by name; exported to CSV and XLSX."""
