static const Plan plans[] = {
 {"e4m3fn test", 0, 0, 0, 1, 0, 0, 0xFFFFFu, 0x1p-3f, 0, 0, {.sh=20}},
};
