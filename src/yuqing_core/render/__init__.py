"""Renderers: timelines, reports, Mermaid diagrams, reference pages and the shared wording.

Nothing here changes a case; each function turns library objects into text for people.
"""
