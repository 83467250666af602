-- The columns this version added elsewhere are in the tables' first versions here.
DO 0;
