"""Analyses of checked programs, through the public pipeline (`paradsl.api`) and the IR only:
parameter spaces before and after ties (`params`), costs as polynomials in the sizes (`cost`),
and the laws checked numerically on random draws (`laws`)."""
