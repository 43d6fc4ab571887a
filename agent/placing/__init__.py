"""Placing: a plan's actions carried out on the Drafts folder, at most once per key (`placer`),
and quiet passes that skip planning while the last plan holds (`quiet`)."""

from agent.placing.placer import Placer

__all__ = ["Placer"]
