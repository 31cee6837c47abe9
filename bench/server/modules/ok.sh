#!/bin/sh
# The smallest useful module: one line of output.
echo ok
