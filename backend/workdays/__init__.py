"""The working-day calendar: Chinese public holidays, make-up working weekends (调休) and due dates."""
