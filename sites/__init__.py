"""Sites: truck stays, the places they cluster into, and entity resolution of all sources.

Public surface: `detect_stays`/`StayParams` (table `truck_stays`; in two steps for a
distributed run: `stays_of_plates` per plate shard, `write_stays` of them all;
`conflicted_plates` names the plates found on two vehicles at once, whose stays are not used),
`build_places`/`PlaceParams` (tables `truck_places`, `truck_place_visits`) and
`resolve_sites`/`ResolveParams` (tables `sites`, `site_members`, `site_history`) and, after
the detectors, `attach_tips`/`TipParams` (vague tips join the site they most likely mean).
"""

from sites.places import PlaceParams, build_places
from sites.resolve import ResolveParams, resolve_sites
from sites.stays import StayParams, conflicted_plates, detect_stays, stays_of_plates, write_stays
from sites.tips import TipParams, attach_tips

__all__ = ["PlaceParams", "ResolveParams", "StayParams", "TipParams", "attach_tips", "build_places",
           "conflicted_plates", "detect_stays", "resolve_sites", "stays_of_plates", "write_stays"]
