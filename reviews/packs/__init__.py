"""Committee packs: the report a coordinator writes, the plan as at a date frozen in it, the issued PDF."""
