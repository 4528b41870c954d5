"""Renderers: library objects turned into text for people. Nothing here changes a case.

- :mod:`.timeline`: a case's timeline as a table, Markdown, JSON data or a Mermaid Gantt chart;
  :mod:`.simulation`: a simulation's timelines and breaches;
- :mod:`.reports`: the daily log, the weekly bulletin and the quick report form, on the small
  document model of :mod:`.document`; :mod:`.accountability`: the accountability table;
- :mod:`.diagram`: a workflow as a Mermaid state diagram; :mod:`.reference`: the policy file
  reference; :mod:`.presetpage`: the generated parts of the preset pages;
- :mod:`.calendar`: deadlines and months of the working calendar for the terminal;
  :mod:`.demo`: the text of ``yuqing demo``;
- :mod:`.wording`: wording they share (deadline statuses, weekdays, Markdown cells and tables).
"""
