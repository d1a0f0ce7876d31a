// MPFRReference
