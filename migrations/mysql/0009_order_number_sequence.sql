-- Order numbers are orders.number's AUTO_INCREMENT (0005); nothing to do here.
DO 0;
