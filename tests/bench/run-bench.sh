#!/bin/bash
echo "benchmarks: see below"
