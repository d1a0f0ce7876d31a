// ExMy
