module callscope.test/golab

go 1.19
