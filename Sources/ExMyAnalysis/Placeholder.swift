// ExMyAnalysis
