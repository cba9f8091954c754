"""Renderers: they read ranked leads from the warehouse and write the files people open."""

from reports.lead_list import LEAD_COLUMNS, OUTCOME_COLUMNS, lead_rows, write_lead_list

__all__ = ["LEAD_COLUMNS", "OUTCOME_COLUMNS", "lead_rows", "write_lead_list"]
