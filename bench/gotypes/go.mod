module gonotes/bench/gotypes

go 1.19
