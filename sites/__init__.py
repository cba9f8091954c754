"""Sites: truck stays and the places they cluster into (later: entity resolution of sources).

Public surface: `detect_stays`/`StayParams` (table `truck_stays`) and
`build_places`/`PlaceParams` (tables `truck_places`, `truck_place_visits`).
"""

from sites.places import PlaceParams, build_places
from sites.stays import StayParams, detect_stays

__all__ = ["PlaceParams", "StayParams", "build_places", "detect_stays"]
