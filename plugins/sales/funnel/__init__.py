"""The sales funnel (feature ``sales.funnel``, Standard and up).

* ``ladder`` — a pipeline's stages as the funnel climbs them: open stages in
  their order, then the won stage(s);
* ``reach`` — the one aggregate everything else reads: per manager, how far
  each deal got (its highest stage), counted through the query gate's scope;
* ``conversion`` — the cohort funnel, the reference norms and the deviation;
* ``reverse`` — the reverse funnel, P(won | reached the stage), and making it
  a pipeline's default probabilities;
* ``forecast`` — expected amounts of open deals by month of expected close;
* ``web`` and ``widget`` — the page ``/sales/funnel/`` and the dashboard widget.

The arithmetic is stated for users in docs/sales.md, "The funnel".
"""

FEATURE = "sales.funnel"
PERMISSION = "sales.funnel.report"
DEALS = "sales.deal"
STAGES = "sales.stage"
