"""The jobs users run, one call each (the CLI's commands are these plus formatting).

``spec`` (the typed, checked job specs: ``AlignSettings``, the MT source cases,
``RunSpec``, ``Progress``), ``outputs`` (the output transaction every job writes
through), ``inputs`` (reading a job's inputs and warning about them), ``translate``
(``translate_file``, ``segment_file``), ``align`` (``align_files``), ``run``
(``run``, ``run_job``), ``review`` (``check_file``, ``review_file``) and ``shortlist``
(``build_shortlist_file``). The corpus job is ``selaras.corpus.job``.
"""
