"""Scoring: evidence → one explainable risk score per site, suspected category, ranked leads.

Public surface: `ScoreParams`, `score_sites` (table `site_scores`, `score_parts`) and
`assign_leads` (stable 线索编号, 状态, 首次发现, 连续周数; table `leads`).
"""

from scoring.leads import LeadParams, assign_leads
from scoring.score import DETECTOR_WEIGHTS, ScoreParams, score_sites

__all__ = ["DETECTOR_WEIGHTS", "LeadParams", "ScoreParams", "assign_leads", "score_sites"]
